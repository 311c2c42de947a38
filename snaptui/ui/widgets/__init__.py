"""Generic widgets: they know nothing about which AWS resource they show."""
