#!/usr/bin/env python3
"""Writes Corpora/handbook/oncall.pdf: a small two-page text PDF (PDF 1.4, Helvetica),
built by hand so that the sample corpus has a PDF without any PDF library. Run it again
only to change the text; the PDF is committed."""
import os

PAGES = [
    ["On-call handbook",
     "",
     "Engineers take on-call duty in weekly rotations that start on Monday at 10:00.",
     "The primary on-call engineer acknowledges a page within 15 minutes.",
     "If a page is not acknowledged, it escalates to the secondary engineer.",
     "",
     "Handing over",
     "",
     "At the end of a rotation the outgoing engineer writes a handover note",
     "that lists open incidents and anything unusual seen during the week."],
    ["Postmortems",
     "",
     "Every incident with customer impact gets a written postmortem.",
     "The postmortem is published within 5 business days of the incident.",
     "Postmortems are blameless: they describe what happened, not who is at fault."],
]


def escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def main():
    objects = []
    kids = []
    font_id = 3
    next_id = 4
    page_ids = []
    for lines in PAGES:
        content = ["BT", "/F1 12 Tf", "14 TL", "72 740 Td"]
        for i, line in enumerate(lines):
            size = 16 if i == 0 else 12
            content.append(f"/F1 {size} Tf")
            content.append(f"({escape(line)}) Tj T*")
        content.append("ET")
        stream = "\n".join(content).encode("latin-1")
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objects.append((content_id, b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"))
        objects.append((page_id, f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode()))
        page_ids.append(page_id)
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects = [(1, b"<< /Type /Catalog /Pages 2 0 R >>"),
               (2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()),
               (3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")] + objects
    objects.sort()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for oid, body in objects:
        offsets[oid] = len(out)
        out += b"%d 0 obj\n" % oid + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for oid, _ in objects:
        out += b"%010d 00000 n \n" % offsets[oid]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path = os.path.join(os.path.dirname(__file__), "..", "Corpora", "handbook", "oncall.pdf")
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
