"""Station 6, collections: many reports checked against each other (across years and agencies).

In: the Documents and findings of a collection. Out: cross-report findings and an evaluator's
summary. Empty for now: the audit of collections lands here.
"""
