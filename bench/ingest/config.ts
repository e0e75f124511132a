/** The tenant configuration of bench/ingest: a Warsaw office calendar with Polish holidays and four SLA policies, as a real help desk has. */
const day = [['08:00', '17:00']];

export const BENCH_CALENDAR = {
  timezone: 'Europe/Warsaw',
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: { country: 'PL' },
  effective_from: '2025-01-01T00:00:00Z',
};

export const BENCH_POLICIES = {
  effective_from: '2025-01-01T00:00:00Z',
  policies: [
    {
      id: 'urgent',
      match: { priority: ['urgent'] },
      calendar_id: '24x7',
      targets: { first_response: 900, next_response: 1800, resolution: 14400 },
    },
    {
      id: 'high',
      match: { priority: ['high'] },
      calendar_id: 'office',
      targets: { first_response: 3600, next_response: 7200, resolution: 28800 },
    },
    {
      id: 'billing',
      match: { group: ['billing'] },
      calendar_id: 'office',
      targets: { first_response: 7200, resolution: 86400 },
      pause: { resolution: ['pending'] },
    },
    {
      id: 'standard',
      match: {},
      calendar_id: 'office',
      targets: { first_response: 14400, next_response: 14400, resolution: 172800 },
    },
  ],
};
