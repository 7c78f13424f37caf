// The server's password rules (src/auth/password_strength.hpp): every form that sets a password
// shows them, and the server names the one a refused password breaks.
export const MIN_PASSWORD_LENGTH = 10;

export const PASSWORD_RULES =
  'At least 10 characters, not a dictionary word, not a simple pattern, and not based on the username';
