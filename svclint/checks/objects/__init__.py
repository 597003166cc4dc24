"""Objects (SVC6xx): what holds for any object, whatever its kind."""
