"""The experiment runner: run directories, the training program, ensembles of runs."""
