#!/usr/bin/env bash
# Writes Corpora/pdf/*.pdf and Corpora/pdf/SOURCE.md: PDFs made by real producers (pdfTeX,
# dvips + Ghostscript, LibreOffice, Chromium, Ghostscript's ps2pdf) from our own source texts
# in Corpora/pdf/sources/, for comparing the built-in PDF extractor with poppler's pdftotext
# (Tests/RetrievalTests/PDF/PDFConformanceTests.swift). The PDFs are committed; run this
# again only to change the set. Needs Debian's packages:
#   apt-get install --no-install-recommends texlive-latex-base texlive-latex-recommended \
#     texlive-fonts-recommended lmodern libreoffice-writer-nogui chromium ghostscript \
#     fonts-noto-cjk fonts-dejavu fonts-liberation2 qpdf
set -euo pipefail
cd "$(dirname "$0")/.."
src="$PWD/Corpora/pdf/sources"
out="$PWD/Corpora/pdf"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

version() { "$@" 2>/dev/null | head -n 1 | tr -d '\r'; }
pdftex_version="$(version pdflatex --version)"
dvips_version="$(version dvips --version)"
gs_version="Ghostscript $(gs --version)"
lo_version="$(version libreoffice --version)"
chromium_version="$(chromium --version 2>/dev/null | tail -n 1)"

rows=()
record() { rows+=("| \`$1\` | $2 | $3 | \`$4\` |"); }

# pdfTeX: an article, a two-column paper, math with accented letters (T1 + Latin Modern),
# and the default Computer Modern fonts (OT1, ligatures from the fonts' own encoding).
for name in latex-article latex-twocolumn latex-math-accents latex-cm-default; do
  (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error "$src/$name.tex" >/dev/null)
  cp "$work/$name.pdf" "$out/$name.pdf"
  record "$name.pdf" "pdfTeX" "$pdftex_version" "pdflatex $name.tex"
done

# LaTeX to DVI, dvips to PostScript, Ghostscript to PDF.
(cd "$work" && latex -interaction=nonstopmode -halt-on-error "$src/dvips-notes.tex" >/dev/null \
  && dvips -q dvips-notes.dvi -o dvips-notes.ps && ps2pdf dvips-notes.ps dvips-notes.pdf)
cp "$work/dvips-notes.pdf" "$out/dvips-notes.pdf"
record "dvips-notes.pdf" "dvips + Ghostscript" "$dvips_version; $gs_version" "latex dvips-notes.tex && dvips dvips-notes.dvi && ps2pdf dvips-notes.ps"

# Ghostscript from hand-written PostScript with the base fonts (URW's clones).
ps2pdf "$src/ghostscript-letter.ps" "$out/ghostscript-letter.pdf"
record "ghostscript-letter.pdf" "Ghostscript ps2pdf" "$gs_version" "ps2pdf ghostscript-letter.ps"

# LibreOffice Writer: flat ODF documents, and a .docx zipped from its parts.
(cd "$src/office-french-german.docx.d" && python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, open(name, "rb").read(), zipfile.ZIP_DEFLATED)
' "$work/office-french-german.docx")
cp "$src/office-report.fodt" "$src/office-cyrillic-greek.fodt" "$work/"
for doc in office-report.fodt office-cyrillic-greek.fodt office-french-german.docx; do
  (cd "$work" && HOME="$work" libreoffice --headless --convert-to pdf "$doc" >/dev/null 2>&1)
  name="${doc%.*}"
  cp "$work/$name.pdf" "$out/$name.pdf"
  record "$name.pdf" "LibreOffice Writer" "$lo_version" "libreoffice --headless --convert-to pdf $doc"
done

# Chromium's print to PDF (Skia).
for name in browser-article browser-cjk browser-layout; do
  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$work/chromium" --print-to-pdf="$out/$name.pdf" "file://$src/$name.html" >/dev/null 2>&1
  record "$name.pdf" "Chromium print to PDF" "$chromium_version" "chromium --headless --no-pdf-header-footer --print-to-pdf $name.html"
done

# qpdf: the Ghostscript letter encrypted with the standard security handler, for the
# decryption tests (empty user password: RC4 40 and 128 bits, AES-128, AES-256), and with a
# user password ("secret"), which must be refused.
mkdir -p "$out/encrypted"
letter="$out/ghostscript-letter.pdf"
qpdf_version="$(version qpdf --version)"
qpdf --allow-weak-crypto --encrypt "" owner 40 -- "$letter" "$out/encrypted/rc4-40.pdf"
qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=n -- "$letter" "$out/encrypted/rc4-128.pdf"
qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=y -- "$letter" "$out/encrypted/aes-128.pdf"
qpdf --encrypt "" owner 256 -- "$letter" "$out/encrypted/aes-256.pdf"
qpdf --encrypt secret owner 256 -- "$letter" "$out/encrypted/user-password.pdf"
qpdf --allow-weak-crypto --encrypt secret owner 128 --use-aes=n -- "$letter" "$out/encrypted/user-password-rc4.pdf"

{
  echo "# Real PDFs from other producers"
  echo
  echo "Made by \`Scripts/make-pdf-corpus.sh\` from the sources in \`sources/\` (our own texts, CC0)."
  echo "\`Tests/RetrievalTests/PDF/PDFConformanceTests.swift\` extracts each with the built-in"
  echo "extractor and with poppler's \`pdftotext\`, and compares their words (token F1); pdftotext's"
  echo "text is computed by the test, never stored."
  echo
  echo "| file | producer | version | command |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "\`encrypted/\` holds \`ghostscript-letter.pdf\` encrypted by $qpdf_version with an empty user"
  echo "password (\`rc4-40\`, \`rc4-128\`, \`aes-128\`, \`aes-256\`: \`qpdf --encrypt \"\" owner BITS [--use-aes=y|n]\`)"
  echo "and with the user password \`secret\` (\`user-password\`, AES-256; \`user-password-rc4\`, RC4 128),"
  echo "for the decryption tests; they are not part of the comparison."
} > "$out/SOURCE.md"
ls -l "$out"/*.pdf
