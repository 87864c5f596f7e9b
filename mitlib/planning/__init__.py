"""Le plan du marathon : équipes dans les locaux vacants, visites des coachs, jury."""
