"""xxgk-lint: a linter for 政府信息公开工作年度报告 (government-information-disclosure annual reports).

Data flows one way: text → grammar (grammar/*.lark) → Document model → rules → diagnostics.
"""

__version__ = "0.2.0"
