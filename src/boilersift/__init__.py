"""boilersift: a machine-learning boilerplate classifier for web scrapes.

Data flow, one module per step::

    text scrape --segment--> blocks --features--> feature matrix
        --model--> probabilities --threshold--> labels --output--> content text / jsonl / tsv

Python API::

    from boilersift import Model
    model = Model.load()                  # the shipped default bundle
    content = model.extract(scrape_text)  # content lines as text
    for r in model.classify(scrape_text): # every line with probability and label
        print(r.label, round(r.probability, 2), r.text)
"""

__version__ = "0.1.0"

from .errors import BoilersiftError  # noqa: E402
from .model import LineResult, Model  # noqa: E402
from .segment import Block, segment_lines, segment_text  # noqa: E402

__all__ = ["Block", "BoilersiftError", "LineResult", "Model", "segment_lines", "segment_text", "__version__"]
