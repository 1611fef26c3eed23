from labourflow.cli import main

main()
