#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints the terminal's line-editing and echo settings as one line a test can read off the screen:
# "tty LABEL: icanon echo" for a sane terminal, "tty LABEL: -icanon -echo" after a raw-mode
# program. Usage: tty-modes.sh [LABEL]
# shellcheck disable=SC2020  # each blank becomes a newline: sets of characters, as meant
echo "tty${1:+ $1}: $(stty -a | tr ' ;' '\n\n' | grep -x -e icanon -e -icanon -e echo -e -echo | paste -sd' ')"
