"""Rendering: process maps (DOT; SVG and PNG laid out by Graphviz in a time-limited child process) and BPMN 2.0 XML with diagram layout."""
