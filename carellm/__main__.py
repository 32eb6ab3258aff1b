from carellm.cli import main

main()
