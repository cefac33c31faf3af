import type { OpeningRange, WeekDay } from '@parley/protocol';
import { Icon } from '../Icon.js';

export const NINE_TO_FIVE: OpeningRange = { start: '09:00', end: '17:00' };

const DAY_NAMES: Record<WeekDay, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** A local time `HH:MM` (`24:00` allowed as an end); checked by the preview and, on save, the server. */
function TimeInput(props: {
  label: string;
  value: string;
  placeholder: string;
  focusKey?: string;
  onInput: (v: string) => void;
}) {
  return (
    <input
      class="mono hours-time"
      aria-label={props.label}
      placeholder={props.placeholder}
      inputMode="numeric"
      maxLength={5}
      data-focus={props.focusKey}
      value={props.value}
      onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value.trim())}
    />
  );
}

/**
 * One weekday's opening ranges (up to 6): each editable and removable, and one more added after the last.
 * `focusNext` names the control (its data-focus) that takes focus once the list has re-rendered.
 */
export function HoursDay(props: {
  day: WeekDay;
  ranges: OpeningRange[];
  onChange: (ranges: OpeningRange[]) => void;
  focusNext: (key: string) => void;
}) {
  const { day, ranges, onChange, focusNext } = props;
  const name = DAY_NAMES[day];
  const edit = (i: number, patch: Partial<OpeningRange>) =>
    onChange(ranges.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class="hours-day" data-testid={`hours-${day}`}>
      <legend>{name}</legend>
      <div class="hours-ranges">
        {ranges.length === 0 && <span class="muted small">Closed</span>}
        {ranges.map((range, i) => (
          <span key={i} class="hours-range">
            <TimeInput
              label={`${name}, range ${i + 1} opens`}
              placeholder="09:00"
              focusKey={`${day}-${i}`}
              value={range.start}
              onInput={(start) => edit(i, { start })}
            />
            <span aria-hidden="true">–</span>
            <TimeInput
              label={`${name}, range ${i + 1} closes`}
              placeholder="17:00"
              value={range.end}
              onInput={(end) => edit(i, { end })}
            />
            <button
              type="button"
              class="btn btn-sm"
              aria-label={`Remove ${name} ${range.start}–${range.end}`}
              title="Remove"
              onClick={() => {
                onChange(ranges.filter((_, j) => j !== i));
                focusNext(`${day}-add`);
              }}
            >
              <Icon name="trash" size={14} />
            </button>
          </span>
        ))}
        {ranges.length < 6 && (
          <button
            type="button"
            class="btn btn-sm"
            data-focus={`${day}-add`}
            aria-label={`Add opening hours on ${name}`}
            onClick={() => {
              const last = ranges.at(-1);
              onChange([...ranges, last ? { start: last.end, end: '24:00' } : NINE_TO_FIVE]);
              focusNext(`${day}-${ranges.length}`);
            }}
          >
            <Icon name="plus" size={14} /> Add
          </button>
        )}
      </div>
    </fieldset>
  );
}
