// Calendar arithmetic in a site's time zone: local clock, "HH:MM" minutes, calendar dates, weekdays.
export { weekdays, type Weekday, type LocalClock, minuteOf, isCalendarDate, isKnownTimezone, localClock, localMidnight, addDays, weekdayOf } from './local-time.ts';
