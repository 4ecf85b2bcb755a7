"""Text that depends on data: the variables the prose quotes (``_variables.yml``),
the sentences generated from the data (:mod:`.sentences`) and the checked claims
that keep author prose true (:mod:`.claims`)."""
