"""Progress people can see: the chart picture."""
