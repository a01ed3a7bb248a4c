module rosetta.dev/runtime-snapshots

go 1.19
