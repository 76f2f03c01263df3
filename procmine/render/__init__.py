"""Rendering: process maps (DOT, SVG, PNG in process) and BPMN 2.0 XML with diagram layout."""
