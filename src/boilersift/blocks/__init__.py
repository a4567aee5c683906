"""Page -> blocks: text scrapes split into lines, HTML pages into DOM blocks, bytes decoded."""
