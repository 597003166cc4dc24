"""Ports (SVC2xx): Service, container, probe and hook ports, and the targetPorts between them."""
