"""The user's side: button data, screens, navigation, and what erasing and the flood guard
remember."""
