/*
 * format.c: Hindi formatting of dates, relative times and integers:
 * "मंगलवार, 4 नवंबर, 2025, 14:30 IST", "1 घंटा पहले", "3 घंटे पहले",
 * "1,00,000". Digits are ASCII unless TEXT_DEVA_DIGITS asks for ० to ९.
 * Month names follow the spelling Hindi papers print (नवंबर, सितंबर,
 * दिसंबर with anusvara). It does not parse dates or look at time zones: the
 * caller passes local broken-down time and the zone's abbreviation.
 */
#include "internal.h"

#include <stdio.h>

static const char *const months[12] = {
	"जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर",
};

static const char *const weekdays[7] = {
	"रविवार", "सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार",
};

/* Appends the ASCII digits s[0..n) (other bytes as they are), as
 * Devanagari digits when flags has TEXT_DEVA_DIGITS. */
static void put_digits(kb_buf *out, const char *s, size_t n, unsigned flags)
{
	if (!(flags & TEXT_DEVA_DIGITS)) {
		kb_buf_append(out, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			char d[3] = {(char)0xE0, (char)0xA5, (char)(0xA6 + (s[i] - '0'))};
			kb_buf_append(out, d, 3);
		} else {
			kb_buf_putc(out, s[i]);
		}
	}
}

/* Appends a number formatted with fmt (printf style, one argument). */
static void put_num(kb_buf *out, unsigned flags, const char *fmt, long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof tmp, fmt, v);
	if (n > 0)
		put_digits(out, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1, flags);
}

/* Floor division and modulo for the calendar arithmetic below. */
static long long floor_div(long long a, long long b)
{
	return a / b - ((a % b) != 0 && ((a < 0) != (b < 0)));
}

/* Day of the week (0 = Sunday) of a proleptic Gregorian date, from the
 * days-since-epoch algorithm of H. Hinnant. */
static int weekday_of(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = floor_div(y, 400);
	long long yoe = y - era * 400;
	long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long long days = era * 146097 + doe - 719468;
	long long w = (days + 4) % 7; /* 1970-01-01 was a Thursday */
	return (int)(w < 0 ? w + 7 : w);
}

/* Contract in text.h. */
void text_format_date(kb_buf *out, const struct tm *tm, const char *tz_abbr, unsigned flags)
{
	/* tm_mon may be out of range in a tm the caller built by hand. */
	long long mon = tm->tm_mon;
	long long year = (long long)tm->tm_year + 1900 + floor_div(mon, 12);
	int m = (int)(mon - floor_div(mon, 12) * 12);
	if (flags & TEXT_MONTH) {
		kb_buf_puts(out, months[m]);
		kb_buf_putc(out, ' ');
		put_num(out, flags, "%lld", year);
		return;
	}
	if (flags & TEXT_WEEKDAY) {
		kb_buf_puts(out, weekdays[weekday_of(year, m + 1, tm->tm_mday)]);
		kb_buf_puts(out, ", ");
	}
	put_num(out, flags, "%lld", tm->tm_mday);
	kb_buf_putc(out, ' ');
	kb_buf_puts(out, months[m]);
	kb_buf_puts(out, ", ");
	put_num(out, flags, "%lld", year);
	if (flags & TEXT_TIME) {
		kb_buf_puts(out, ", ");
		put_num(out, flags, "%02lld", tm->tm_hour);
		kb_buf_putc(out, ':');
		put_num(out, flags, "%02lld", tm->tm_min);
		if (tz_abbr) {
			kb_buf_putc(out, ' ');
			kb_buf_puts(out, tz_abbr);
		}
	}
}

/* Contract in text.h: the largest whole unit, rounded down. */
void text_format_relative(kb_buf *out, int64_t age, unsigned flags)
{
	/* unit, its size, singular and plural (direct case; Hindi uses the
	 * same form for 1 and more for मिनट, दिन, साल). */
	static const struct {
		int64_t secs;
		const char *one, *many;
	} units[] = {
		{365LL * 86400, "साल", "साल"}, {30LL * 86400, "महीना", "महीने"},
		{86400, "दिन", "दिन"},         {3600, "घंटा", "घंटे"},
		{60, "मिनट", "मिनट"},
	};
	if (age < 60) {
		kb_buf_puts(out, "अभी");
		return;
	}
	for (size_t i = 0; i < KB_COUNT(units); i++) {
		if (age < units[i].secs)
			continue;
		long long k = (long long)(age / units[i].secs);
		put_num(out, flags, "%lld", k);
		kb_buf_putc(out, ' ');
		kb_buf_puts(out, k == 1 ? units[i].one : units[i].many);
		kb_buf_puts(out, " पहले");
		return;
	}
}

/* Contract in text.h. */
void text_format_int(kb_buf *out, long long v, unsigned flags)
{
	/* The magnitude as unsigned, so LLONG_MIN works. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%llu", u);
	char tmp[48];
	size_t o = 0;
	if (v < 0)
		tmp[o++] = '-';
	/* Last three digits, then groups of two: 12,34,567. */
	for (int i = 0; i < n; i++) {
		int left = n - i;
		if (i > 0 && left >= 3 && (left == 3 || (left - 3) % 2 == 0))
			tmp[o++] = ',';
		tmp[o++] = digits[i];
	}
	put_digits(out, tmp, o, flags);
}
