#!/usr/bin/env bash
# One-time prerequisites on Debian/Ubuntu (run as root): the libraries Qt needs, printing,
# and the tools the tests use to read what OneWindow prints (poppler, zbar, CUPS PDF printer),
# PostgreSQL and Chromium for the central server's tests, and the OS secret store (gnome-keyring).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  # Qt (offscreen and a real X11 window)
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libcups2
  # screenshots, reading PDFs and barcodes, real printing
  xvfb xauth poppler-utils zbar-tools cups printer-driver-cups-pdf
  # named although cups pulls them in: the printing tests call lpadmin/lpstat, cups-pdf runs gs
  cups-client ghostscript
  # the central server's tests: PostgreSQL (production database) and a real browser for /verify
  postgresql chromium
  # a production workstation's secret store (doctor: required): the Secret Service on D-Bus, unlocked at
  # desktop login by PAM; secret-tool lets the IT person look at what is stored
  gnome-keyring libpam-gnome-keyring dbus-x11 libsecret-1-0 libsecret-tools
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
