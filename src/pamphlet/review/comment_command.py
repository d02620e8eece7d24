"""``pamphlet comment PDF --page N --box x,y,w,h --text TEXT``: pin a comment (see review/)."""

from . import add_comment_arguments as add_arguments, comment_command as command

__all__ = ["add_arguments", "command"]
