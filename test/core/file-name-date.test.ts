/**
 * Dates read from file names, for photos without an EXIF capture time: the common phone, messenger
 * and screenshot names give their moment; impossible dates and digits that are not dates give none.
 */
import { describe, expect, it } from 'vitest';
import { dateFromFileName } from '../../src/core/media/file-name-date';

/** A fixed "now", so that the future-date check does not move with the clock. */
const NOW = new Date(2025, 5, 1, 12, 0, 0);

describe('dateFromFileName', () => {
  it.each([
    ['Screenshot 2024-05-01 at 10.11.12.png', '2024-05-01T10:11:12'],
    ['Screenshot 2024-05-01 at 10.11.12 (2).png', '2024-05-01T10:11:12'],
    ['Screen Shot 2019-03-04 at 1.02.03 PM.png', '2019-03-04T13:02:03'],
    ['Screen Shot 2019-03-04 at 12.02.03 AM.png', '2019-03-04T00:02:03'],
    ['WhatsApp Image 2024-05-01 at 10.11.12.jpeg', '2024-05-01T10:11:12'],
    ['Screenshot_20240501-101112.png', '2024-05-01T10:11:12'],
    ['Screenshot_20240501-101112_Chrome.jpg', '2024-05-01T10:11:12'],
    ['Screenshot_2024-05-01-10-11-12.png', '2024-05-01T10:11:12'],
    ['Screenshot from 2024-05-01 10-11-12.png', '2024-05-01T10:11:12'],
    ['Screenshot 2024-05-01 101112.png', '2024-05-01T10:11:12'],
    ['IMG_20240501_101112.jpg', '2024-05-01T10:11:12'],
    ['IMG_20240501_101112_HDR.jpg', '2024-05-01T10:11:12'],
    ['VID_20240501_101112.jpg', '2024-05-01T10:11:12'],
    ['PXL_20240501_101112345.jpg', '2024-05-01T10:11:12.345'],
    ['PXL_20240501_101112345.MP.jpg', '2024-05-01T10:11:12.345'],
    ['20240501_101112.jpg', '2024-05-01T10:11:12'],
    ['IMG-20240501-WA0001.jpg', '2024-05-01T00:00:00'],
    ['VID-20240501-WA0012.jpg', '2024-05-01T00:00:00'],
    ['2024-05-01 10.11.12.jpg', '2024-05-01T10:11:12'],
    ['2024-05-01 10.11.12-1.jpg', '2024-05-01T10:11:12'],
    ['signal-2024-05-01-101112.jpg', '2024-05-01T10:11:12'],
    ['signal-2024-05-01-10-11-12-123.jpg', '2024-05-01T10:11:12.123'],
    ['photo_2024-05-01_10-11-12.jpg', '2024-05-01T10:11:12'],
    ['2024-05-01.jpg', '2024-05-01T00:00:00'],
    ['Scan 2024-05-01 (2).png', '2024-05-01T00:00:00'],
    ['2024-02-29 08.00.00.jpg', '2024-02-29T08:00:00'],
  ])('should read %s as %s', (name, expected) => {
    expect(dateFromFileName(name, { now: NOW })).toBe(expected);
  });

  it.each([
    ['month 13', 'IMG_20241301_101112.jpg'],
    ['month 0', 'Screenshot 2024-00-10 at 10.11.12.png'],
    ['day 32', '2024-05-32 10.11.12.jpg'],
    ['30 February', 'IMG_20240230_101112.jpg'],
    ['29 February of a common year', '2023-02-29.jpg'],
    ['year 1890', 'IMG_18900501_101112.jpg'],
    ['year 1890, dashed', 'Scan 1890-05-01.png'],
    ['hour 25', 'IMG_20240501_251112.jpg'],
    ['minute 60', 'Screenshot 2024-05-01 at 10.60.12.png'],
    ['hour 13 on a 12-hour clock', 'Screen Shot 2019-03-04 at 13.02.03 PM.png'],
    ['a date after today', 'IMG_20300501_101112.jpg'],
  ])('should refuse an impossible date (%s): %s', (_reason, name) => {
    expect(dateFromFileName(name, { now: NOW })).toBeNull();
  });

  it.each([
    'IMG_1234.jpg',
    'DSC01234.JPG',
    'P1010001.JPG',
    'IMG_20240501.jpg',
    '20240501.jpg',
    'photo-123456789012345.jpg',
    '1234567890_123456.jpg',
    'holiday.jpg',
    'IMG_0001 2.heic',
    'export-2024.png',
  ])('should find no date in %s', (name) => {
    expect(dateFromFileName(name, { now: NOW })).toBeNull();
  });

  it('should give a day-only name the time of day of a file modified that day', () => {
    const modifiedAt = new Date(2024, 4, 1, 18, 45, 30);
    expect(dateFromFileName('IMG-20240501-WA0001.jpg', { now: NOW, modifiedAt })).toBe('2024-05-01T18:45:30');
  });

  it('should start a day-only name at midnight when the file was modified another day', () => {
    const modifiedAt = new Date(2024, 6, 3, 18, 45, 30);
    expect(dateFromFileName('IMG-20240501-WA0001.jpg', { now: NOW, modifiedAt })).toBe('2024-05-01T00:00:00');
  });

  it('should keep the time a name carries, whatever the file time', () => {
    const modifiedAt = new Date(2024, 4, 1, 18, 45, 30);
    expect(dateFromFileName('IMG_20240501_101112.jpg', { now: NOW, modifiedAt })).toBe('2024-05-01T10:11:12');
  });
});
