"""The living review: releases (frozen versions), their pages (What's new, version
history, Cite this version) and the release command.
"""
