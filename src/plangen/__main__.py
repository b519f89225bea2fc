import sys

from plangen.build.daemon import main

sys.exit(main())
