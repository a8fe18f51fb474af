// Reads an iCalendar feed on stdin and prints what ical.js makes of it as JSON: the calendar's
// properties and, per event, its UID, status, sequence, summary and start/end in UTC and local time.
import ICAL from "ical.js";

let text = "";
for await (const chunk of process.stdin) text += chunk;
const root = new ICAL.Component(ICAL.parse(text));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const props = {};
for (const p of root.getAllProperties()) props[p.name] = p.toICALString();
const events = root.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  const utc = (t) => t.toJSDate().toISOString();
  return {
    uid: e.uid,
    status: c.getFirstPropertyValue("status"),
    sequence: e.sequence,
    summary: e.summary,
    description: e.description,
    location: e.location,
    geo: c.getFirstPropertyValue("geo"),
    tzid: e.startDate.zone ? e.startDate.zone.tzid : null,
    start_local: e.startDate.toString(),
    end_local: e.endDate.toString(),
    start_utc: utc(e.startDate),
    end_utc: utc(e.endDate),
    last_modified: c.getFirstPropertyValue("last-modified")?.toString() ?? null,
    dtstamp: c.getFirstPropertyValue("dtstamp")?.toString() ?? null,
  };
});
process.stdout.write(JSON.stringify({ props, events }));
