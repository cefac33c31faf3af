import type { BusinessHours, OpeningRange, WeekDay } from '@parley/protocol';
import { WEEK_DAYS } from '@parley/protocol/entities';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../Icon.js';
import { hoursPreview, timezones } from './hours-preview.js';

const DAY_NAMES: Record<WeekDay, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const NINE_TO_FIVE: OpeningRange = { start: '09:00', end: '17:00' };

/** What switching business hours on starts from: the browser's timezone, Monday to Friday 09:00–17:00. */
function defaultHours(): BusinessHours {
  const weekly = Object.fromEntries(WEEK_DAYS.map((d) => [d, d === 'sat' || d === 'sun' ? [] : [NINE_TO_FIVE]]));
  return { timezone: timezones()[0] ?? 'UTC', weekly: weekly as BusinessHours['weekly'], holidays: [] };
}

/**
 * A site's business hours: off (always open), or a timezone, opening ranges per weekday and holidays, with a
 * live preview computed in the browser by the server's rules. Saved with the rest of the site form.
 */
export function HoursEditor({
  hours,
  onChange,
}: {
  hours: BusinessHours | null;
  onChange: (h: BusinessHours | null) => void;
}) {
  const root = useRef<HTMLFieldSetElement>(null);
  // where focus goes once the list has re-rendered (after adding or removing a row)
  const [focus, setFocus] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (!focus) return;
    root.current?.querySelector<HTMLElement>(`[data-focus="${focus}"]`)?.focus();
    setFocus(null);
  }, [focus]);

  const setDay = (day: WeekDay, ranges: OpeningRange[]) =>
    hours && onChange({ ...hours, weekly: { ...hours.weekly, [day]: ranges } });
  const setHolidays = (holidays: string[]) => hours && onChange({ ...hours, holidays });
  return (
    <fieldset class="hours span-2" ref={root} aria-describedby={hours ? 'hours-preview' : undefined}>
      <legend>Business hours</legend>
      <label class="field toggle-field">
        <input
          type="checkbox"
          role="switch"
          aria-checked={!!hours}
          checked={!!hours}
          onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? defaultHours() : null)}
        />
        <span>
          <strong>Set opening hours</strong>
          <small class="muted">
            Outside them the widget says when you are back and asks for an email. Off: always open.
          </small>
        </span>
      </label>
      {hours && (
        <>
          <p id="hours-preview" class="hours-preview" role="status" data-testid="hours-preview">
            <Icon name="clock" size={14} /> {hoursPreview(hours, now)}
          </p>
          <label class="field">
            <span>Timezone</span>
            <input
              name="timezone"
              list="hours-timezones"
              autocomplete="off"
              spellcheck={false}
              value={hours.timezone}
              onInput={(e) => onChange({ ...hours, timezone: (e.currentTarget as HTMLInputElement).value.trim() })}
            />
            <datalist id="hours-timezones">
              {timezones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <div class="hours-week">
            {WEEK_DAYS.map((day) => {
              const ranges = hours.weekly[day];
              const name = DAY_NAMES[day];
              return (
                <fieldset key={day} class="hours-day" data-testid={`hours-${day}`}>
                  <legend>{name}</legend>
                  <div class="hours-ranges">
                    {ranges.length === 0 && <span class="muted small">Closed</span>}
                    {ranges.map((range, i) => {
                      const edit = (patch: Partial<OpeningRange>) =>
                        setDay(
                          day,
                          ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)),
                        );
                      return (
                        <span key={i} class="hours-range">
                          <input
                            class="mono hours-time"
                            aria-label={`${name}, range ${i + 1} opens`}
                            placeholder="09:00"
                            inputMode="numeric"
                            maxLength={5}
                            data-focus={`${day}-${i}`}
                            value={range.start}
                            onInput={(e) => edit({ start: (e.currentTarget as HTMLInputElement).value.trim() })}
                          />
                          <span aria-hidden="true">–</span>
                          <input
                            class="mono hours-time"
                            aria-label={`${name}, range ${i + 1} closes`}
                            placeholder="17:00"
                            inputMode="numeric"
                            maxLength={5}
                            value={range.end}
                            onInput={(e) => edit({ end: (e.currentTarget as HTMLInputElement).value.trim() })}
                          />
                          <button
                            type="button"
                            class="btn btn-sm"
                            aria-label={`Remove ${name} ${range.start}–${range.end}`}
                            title="Remove"
                            onClick={() => {
                              setDay(
                                day,
                                ranges.filter((_, j) => j !== i),
                              );
                              setFocus(`${day}-add`);
                            }}
                          >
                            <Icon name="trash" size={14} />
                          </button>
                        </span>
                      );
                    })}
                    {ranges.length < 6 && (
                      <button
                        type="button"
                        class="btn btn-sm"
                        data-focus={`${day}-add`}
                        aria-label={`Add opening hours on ${name}`}
                        onClick={() => {
                          const last = ranges.at(-1);
                          setDay(day, [...ranges, last ? { start: last.end, end: '24:00' } : NINE_TO_FIVE]);
                          setFocus(`${day}-${ranges.length}`);
                        }}
                      >
                        <Icon name="plus" size={14} /> Add
                      </button>
                    )}
                  </div>
                </fieldset>
              );
            })}
          </div>
          <fieldset class="hours-day">
            <legend>Holidays</legend>
            <div class="hours-ranges">
              {hours.holidays.length === 0 && (
                <span class="muted small">None: closed on these whole days (site time)</span>
              )}
              {hours.holidays.map((day, i) => (
                <span key={i} class="hours-range">
                  <input
                    type="date"
                    aria-label={`Holiday ${i + 1}`}
                    data-focus={`holiday-${i}`}
                    value={day}
                    onInput={(e) =>
                      setHolidays(
                        hours.holidays.map((d, j) => (j === i ? (e.currentTarget as HTMLInputElement).value : d)),
                      )
                    }
                  />
                  <button
                    type="button"
                    class="btn btn-sm"
                    aria-label={`Remove holiday ${day || i + 1}`}
                    title="Remove"
                    onClick={() => {
                      setHolidays(hours.holidays.filter((_, j) => j !== i));
                      setFocus('holiday-add');
                    }}
                  >
                    <Icon name="trash" size={14} />
                  </button>
                </span>
              ))}
              <button
                type="button"
                class="btn btn-sm"
                data-focus="holiday-add"
                onClick={() => {
                  setHolidays([...hours.holidays, '']);
                  setFocus(`holiday-${hours.holidays.length}`);
                }}
              >
                <Icon name="plus" size={14} /> Add holiday
              </button>
            </div>
          </fieldset>
        </>
      )}
    </fieldset>
  );
}
