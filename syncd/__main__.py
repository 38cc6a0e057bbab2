from syncd.cli.entry import main

main()
