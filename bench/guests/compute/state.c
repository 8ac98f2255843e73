/*
 * State-machine kernel (after CoreMark's core_state.c): generate a text of
 * comma-separated numbers, then classify each token (integer, float,
 * scientific, invalid) with a switch-driven state machine, counting final
 * states and transitions. The text is then corrupted and scanned again.
 */
#include "compute.h"

#define TEXT_SIZE 256

enum state { START, INVALID, S1, S2, INT, FLOAT, EXPONENT, SCIENTIFIC, STATES };

static char text[TEXT_SIZE + 1];

static const char *const patterns[] = {
	"5012", "1234", "-874", "+122",                 /* integers */
	"35.54400", ".1234500", "-110.700", "+0.64400", /* floats */
	"5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", /* scientific */
	"T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^", /* invalid */
};

static void generate(uint32_t seed)
{
	uint32_t random = seed;
	int n = 0;
	while (n < TEXT_SIZE - 10) {
		const char *p = patterns[next_random(&random) & 15];
		while (*p)
			text[n++] = *p++;
		text[n++] = ',';
	}
	text[n] = 0;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Advance over one token, returning its final state; counts transitions. */
static enum state next_state(const char **cursor, uint32_t transitions[STATES])
{
	const char *s = *cursor;
	enum state state = START;
	for (; *s && state != INVALID; s++) {
		char ch = *s;
		if (ch == ',') {
			s++;
			break;
		}
		enum state next = state;
		switch (state) {
		case START:
			if (is_digit(ch))
				next = INT;
			else if (ch == '+' || ch == '-')
				next = S1;
			else if (ch == '.')
				next = FLOAT;
			else
				next = INVALID;
			break;
		case S1:
			if (is_digit(ch))
				next = INT;
			else if (ch == '.')
				next = FLOAT;
			else
				next = INVALID;
			break;
		case INT:
			if (ch == '.')
				next = FLOAT;
			else if (!is_digit(ch))
				next = INVALID;
			break;
		case FLOAT:
			if (ch == 'E' || ch == 'e')
				next = S2;
			else if (!is_digit(ch))
				next = INVALID;
			break;
		case S2:
			if (ch == '+' || ch == '-')
				next = EXPONENT;
			else
				next = INVALID;
			break;
		case EXPONENT:
			if (is_digit(ch))
				next = SCIENTIFIC;
			else
				next = INVALID;
			break;
		case SCIENTIFIC:
			if (!is_digit(ch))
				next = INVALID;
			break;
		default:
			break;
		}
		if (next != state)
			transitions[state]++;
		state = next;
	}
	*cursor = s;
	return state;
}

static uint32_t scan(uint32_t crc)
{
	uint32_t finals[STATES] = { 0 }, transitions[STATES] = { 0 };
	const char *cursor = text;
	while (*cursor)
		finals[next_state(&cursor, transitions)]++;
	for (int i = 0; i < STATES; i++) {
		crc = crc32_u16(crc, (uint16_t)finals[i]);
		crc = crc32_u16(crc, (uint16_t)transitions[i]);
	}
	return crc;
}

uint32_t state_bench(uint32_t seed, uint32_t crc)
{
	generate(seed);
	crc = scan(crc);
	/* Corrupt every 7th character (commas survive), as CoreMark does. */
	for (int i = 0; text[i]; i += 7)
		if (text[i] != ',')
			text[i] ^= (char)(seed & 0x1f);
	return scan(crc);
}
