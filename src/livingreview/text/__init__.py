"""Text that depends on data: the variables the prose quotes (``_variables.yml``)."""
