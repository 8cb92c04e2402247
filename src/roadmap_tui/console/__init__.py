"""Rich renderings of domain results for the terminal (`roadmap simulate`, `roadmap prioritize`).

A face helper beside cli.py: layout and colour only, every figure comes from the core. Rich
ships with Textual but importing it imports neither Textual nor matplotlib.
"""
