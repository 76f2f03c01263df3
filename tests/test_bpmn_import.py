"""read_bpmn: Camunda Modeler files with extension elements, and models it must refuse."""

from __future__ import annotations

import pytest

import procmine
from procmine.errors import ModelError

CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="Definitions_0x" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.20.0">
  <bpmn:process id="Aktindsigt" name="Aktindsigt" isExecutable="true">
    <bpmn:startEvent id="Start_1" name="Anmodning modtaget"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="T1" name="Journaliseret">
      <bpmn:extensionElements><zeebe:taskDefinition type="journal" /><camunda:inputOutput /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:exclusiveGateway id="G1"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing><bpmn:outgoing>F4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:serviceTask id="T2" name="Fristbrev sendt"><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:exclusiveGateway id="G2"><bpmn:incoming>F4</bpmn:incoming><bpmn:incoming>F5</bpmn:incoming><bpmn:outgoing>F6</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:task id="T3" name="Afgørelse"><bpmn:incoming>F6</bpmn:incoming><bpmn:outgoing>F7</bpmn:outgoing></bpmn:task>
    <bpmn:endEvent id="End_1" name="Afsluttet"><bpmn:incoming>F7</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="T1" />
    <bpmn:sequenceFlow id="F2" sourceRef="T1" targetRef="G1" />
    <bpmn:sequenceFlow id="F3" sourceRef="G1" targetRef="T2" />
    <bpmn:sequenceFlow id="F4" sourceRef="G1" targetRef="G2" />
    <bpmn:sequenceFlow id="F5" sourceRef="T2" targetRef="G2" />
    <bpmn:sequenceFlow id="F6" sourceRef="G2" targetRef="T3" />
    <bpmn:sequenceFlow id="F7" sourceRef="T3" targetRef="End_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="Aktindsigt">
    <bpmndi:BPMNShape id="S1" bpmnElement="Start_1"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_reads_a_camunda_model_with_extension_elements(tmp_path):
    path = tmp_path / "aktindsigt.bpmn"
    path.write_text(CAMUNDA, encoding="utf-8")
    model = procmine.read_bpmn(path)
    assert model.activity_names == {"Journaliseret", "Fristbrev sendt", "Afgørelse"}
    from procmine.bpmn_model import to_petri_net
    from procmine.conformance import PetriModel, check_variants
    result = check_variants({("Journaliseret", "Afgørelse"): 3, ("Journaliseret", "Fristbrev sendt", "Afgørelse"): 1},
                            PetriModel(*to_petri_net(model), str(path)))
    assert list(result.alignment_fitness) == [1.0, 1.0]


def test_a_model_without_start_event_is_refused(tmp_path):
    path = tmp_path / "nostart.bpmn"
    path.write_text(CAMUNDA.replace("bpmn:startEvent", "bpmn:intermediateThrowEvent"), encoding="utf-8")
    with pytest.raises(ModelError, match="no start event"):
        procmine.read_bpmn(path)


def test_a_file_that_is_not_bpmn_is_refused(tmp_path):
    path = tmp_path / "x.bpmn"
    path.write_text("not xml at all", encoding="utf-8")
    with pytest.raises(ModelError, match="not readable XML"):
        procmine.read_bpmn(path)
