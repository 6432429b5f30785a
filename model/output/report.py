"""A one-page HTML report of a comparison: the table of paired differences and the figures,
images embedded, so the single file can be mailed or printed."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime
from pathlib import Path

from model.experiments.compare import Comparison, format_summary
from model.output.results import write_text


def _image(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def write_report(
    comparison: Comparison,
    summary,
    figures: dict[str, Path],
    path: Path,
    descriptions: dict[str, str],
) -> Path:
    """Write `path` (HTML): what was compared, the summary table, then each figure."""
    rows = "".join(
        f"<li><b>{html.escape(name)}</b>: {html.escape(text)}</li>"
        for name, text in descriptions.items()
    )
    table = html.escape(format_summary(comparison, summary))
    body = "\n".join(_image(p, caption) for caption, p in figures.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Comparison: {html.escape(" vs ".join(comparison.scenarios))}</title>
<style>
 body {{ font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }}
 pre {{ font-size: 11px; overflow-x: auto; background: #f6f6f6; padding: 1em; }}
 figure {{ margin: 1.5em 0; }} img {{ max-width: 100%; }}
 figcaption {{ font-size: 12px; color: #555; }}
 @media print {{ pre {{ font-size: 8px; }} }}
</style></head><body>
<h1>Policy comparison: {html.escape(" vs ".join(comparison.scenarios))}</h1>
<p>{len(comparison.seeds)} seeds per scenario on common random numbers, through
{comparison.final_year}. Differences are paired by seed against <b>
{html.escape(comparison.scenarios[0])}</b>, with 95% confidence intervals. People, not agent
rows; yuan at the model's prices. Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>
<ul>{rows}</ul>
<h2>Outcomes in {comparison.final_year}</h2>
<pre>{table}</pre>
<h2>Figures</h2>
{body}
</body></html>
"""
    write_text(page, path)
    return path
