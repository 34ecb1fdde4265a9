return 0; // placeholder
