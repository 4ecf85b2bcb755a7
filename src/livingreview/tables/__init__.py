"""Tables: the characteristics of included studies, the summary by diagnosis and the
eligibility criteria, written as Markdown the chapters include.
"""
