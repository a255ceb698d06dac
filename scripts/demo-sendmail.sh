#!/bin/sh
# A sendmail-compatible command for the demo: instead of sending, keeps each message as a file in the directory
# REVIEWCAL_DEMO_MAIL (default data/mail), named after the time it arrived, so that the sample district's
# invitations and notices can be opened in a mail client (e.g. `thunderbird data/mail/*.eml`).
# Takes the same arguments as /usr/sbin/sendmail -t -i and ignores them.
set -eu
dir=${REVIEWCAL_DEMO_MAIL:-data/mail}
mkdir -p "$dir"
file="$dir/$(date +%Y%m%d-%H%M%S)-$$.eml"
cat > "$file.part"
mv "$file.part" "$file"
