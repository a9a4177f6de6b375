"""Process infrastructure any layer may use, with no Parvis logic of its own: the
interface's translations (`i18n`) and giving freed memory back to the system (`memory`).

Like `parvis.config` and `parvis.errors`, it imports nothing of the layers above.
"""
