"""untm core library."""
