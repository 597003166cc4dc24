"""ExternalName Services (SVC4xx): the name must be a DNS name, and some fields do not belong there."""
