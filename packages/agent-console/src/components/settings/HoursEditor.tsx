import type { BusinessHours } from '@parley/protocol';
import { WEEK_DAYS } from '@parley/protocol/entities';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Icon } from '../Icon.js';
import { HoursDay, NINE_TO_FIVE } from './HoursDay.js';
import { hoursPreview, timezones } from './hours-preview.js';

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
  const zones = useMemo(timezones, []);
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
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </label>
          <div class="hours-week">
            {WEEK_DAYS.map((day) => (
              <HoursDay
                key={day}
                day={day}
                ranges={hours.weekly[day]}
                onChange={(ranges) => onChange({ ...hours, weekly: { ...hours.weekly, [day]: ranges } })}
                focusNext={setFocus}
              />
            ))}
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
