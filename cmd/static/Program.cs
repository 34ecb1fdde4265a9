return 0; // placeholder: replaced when the plugin lands
