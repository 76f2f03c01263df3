"""Draw the diagram interchange of a .bpmn file to PNG, to look at a layout (python draw_di.py IN OUT)."""

from __future__ import annotations

import sys

from lxml import etree

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}


def draw(source: str, target: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, Polygon, Rectangle

    root = etree.parse(source).getroot()
    elements = {e.get("id"): e for e in root.iter() if e.get("id")}
    shapes = root.findall(".//bpmndi:BPMNShape", NS)
    points = [(float(p.get("x")), float(p.get("y"))) for p in root.iter(f"{{{NS['di']}}}waypoint")]
    right = max([float(s.find("dc:Bounds", NS).get("x")) + float(s.find("dc:Bounds", NS).get("width"))
                 for s in shapes] + [p[0] for p in points])
    bottom = max([float(s.find("dc:Bounds", NS).get("y")) + float(s.find("dc:Bounds", NS).get("height"))
                  for s in shapes] + [p[1] for p in points])
    figure, axes = plt.subplots(figsize=(max(4, right / 60), max(3, bottom / 60)))
    for shape in shapes:
        b = shape.find("dc:Bounds", NS)
        x, y, w, h = (float(b.get(k)) for k in ("x", "y", "width", "height"))
        element = elements[shape.get("bpmnElement")]
        kind = etree.QName(element).localname
        if kind.endswith("Event"):
            axes.add_patch(Circle((x + w / 2, y + h / 2), w / 2, fill=False, lw=3 if kind == "endEvent" else 1))
            axes.text(x + w / 2, y + h + 10, element.get("name", ""), ha="center", fontsize=7)
        elif kind.endswith("Gateway"):
            axes.add_patch(Polygon([(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)], fill=False))
            axes.text(x + w / 2, y + h / 2, "+" if kind == "parallelGateway" else "×", ha="center", va="center")
        else:
            axes.add_patch(Rectangle((x, y), w, h, fill=False))
            axes.text(x + w / 2, y + h / 2, element.get("name", ""), ha="center", va="center", fontsize=7, wrap=True)
    for edge in root.findall(".//bpmndi:BPMNEdge", NS):
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        axes.plot([p[0] for p in points], [p[1] for p in points], lw=0.8, color="#333")
        axes.annotate("", xy=points[-1], xytext=points[-2], arrowprops={"arrowstyle": "->", "lw": 0.8})
    axes.set_xlim(0, right + 40)
    axes.set_ylim(bottom + 40, 0)
    axes.set_aspect("equal")
    axes.axis("off")
    figure.savefig(target, dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    draw(sys.argv[1], sys.argv[2])
