#!/bin/bash
# SPDX-License-Identifier: MIT
# A line program that counts the signals a terminal sends it: prints "INT n" for each Ctrl-C and
# "WINCH n" for each window resize, and reads lines from the terminal until it reads "quit"
# (reading needs the terminal, so it only works while it is in the foreground).
ints=0
winches=0
trap 'ints=$((ints + 1)); echo "INT $ints"' INT
trap 'winches=$((winches + 1)); echo "WINCH $winches"' WINCH
echo "counter: ready"
# bash runs a trap only when the builtin it is in returns, and a resize does not end a read:
# read with a timeout, so that each signal is reported within 0.1 s.
while :; do
  if read -r -t 0.1 line; then
    [[ $line == quit ]] && break
    echo "counter: read '$line'"
  elif (($? <= 128)); then
    break  # End of input; above 128 the read timed out or a signal interrupted it.
  fi
done
echo "counter: done after $ints INT and $winches WINCH"
