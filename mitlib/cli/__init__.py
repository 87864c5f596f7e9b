"""La commande ``mit``."""
