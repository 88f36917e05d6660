"""Use-cases and domain rules over the models. No Qt: the GUI, the CLI and the tests all call these."""
