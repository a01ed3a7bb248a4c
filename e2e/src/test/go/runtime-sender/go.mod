module rosetta.dev/runtime-sender

go 1.19

require rosetta.dev/clients/go v0.0.0

replace rosetta.dev/clients/go => ../../../../../clients/go
