from syncd.entry import main

main()
