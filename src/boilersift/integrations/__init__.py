"""boilersift inside other frameworks' pipelines (datatrove); on top of the runner, beside the command."""
