"""Small widgets of pmtui's own."""
