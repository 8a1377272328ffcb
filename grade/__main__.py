import sys

from grade.cli import main

sys.exit(main())
