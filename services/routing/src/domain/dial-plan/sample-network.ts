// A worked example for the specs: Beijing headquarters, Shenzhen and Guangzhou centers, and the plan of +8695105555.
import type { DialPlan, Site, TimeRange } from './types.ts';

const allDay: TimeRange[] = [{ opens: '00:00', closes: '24:00' }];
const officeDay: TimeRange[] = [
  { opens: '08:00', closes: '12:00' },
  { opens: '13:00', closes: '20:00' },
];
const longDay: TimeRange[] = [{ opens: '08:00', closes: '22:00' }];

export const beijingHq: Site = {
  siteId: 'beijing-hq',
  name: 'Beijing headquarters',
  city: 'Beijing',
  timezone: 'Asia/Shanghai',
  headquarters: true,
  capacity: 50,
  openingHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [],
};

export const shenzhen: Site = {
  siteId: 'shenzhen',
  name: 'Shenzhen center',
  city: 'Shenzhen',
  timezone: 'Asia/Shanghai',
  headquarters: false,
  capacity: 20,
  openingHours: { mon: officeDay, tue: officeDay, wed: officeDay, thu: officeDay, fri: officeDay, sat: [{ opens: '09:00', closes: '17:00' }], sun: [] },
  holidays: [{ date: '2025-01-29', name: 'Spring Festival', specialHours: [] }],
};

export const guangzhou: Site = {
  siteId: 'guangzhou',
  name: 'Guangzhou center',
  city: 'Guangzhou',
  timezone: 'Asia/Shanghai',
  headquarters: false,
  capacity: 10,
  openingHours: { mon: longDay, tue: longDay, wed: longDay, thu: longDay, fri: longDay, sat: longDay, sun: longDay },
  holidays: [],
};

export const sites: ReadonlyMap<string, Site> = new Map([beijingHq, shenzhen, guangzhou].map((s) => [s.siteId, s]));

export const nationalPlan: DialPlan = {
  nationalNumber: '+8695105555',
  rules: [{ kind: 'business-type', businessType: 'gps-alarm', siteId: 'beijing-hq' }, { kind: 'region' }, { kind: 'site', siteId: 'beijing-hq' }],
  regions: [
    { prefix: '+86', siteId: 'beijing-hq', region: 'China' },
    { prefix: '+86755', siteId: 'shenzhen', region: 'Shenzhen' },
    { prefix: '+8620', siteId: 'guangzhou', region: 'Guangzhou' },
    { prefix: '+8610', siteId: 'beijing-hq', region: 'Beijing' },
  ],
  overflow: [
    { siteId: 'shenzhen', then: ['guangzhou', 'beijing-hq'], maxWaitSeconds: 60 },
    { siteId: 'guangzhou', then: ['beijing-hq'] },
  ],
};

/** Asia/Shanghai is UTC+8 all year: `shanghai('2025-01-28', '10:00')` is 10:00 on Tuesday 28 January in Shenzhen. */
export const shanghai = (date: string, time: string): Date => new Date(`${date}T${time}:00+08:00`);
